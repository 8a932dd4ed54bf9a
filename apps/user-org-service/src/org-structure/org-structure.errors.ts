import { DomainError } from '@careloop/runtime';
import type { StructureKind } from './structure-kinds';

export const OrgStructureErrors = {
  notFound: (kind: StructureKind) =>
    new DomainError(
      'not-found',
      `${kind.name}.not-found`,
      `No such ${kind.name} in this organization`,
    ),
  externalIdTaken: (kind: StructureKind) =>
    new DomainError(
      'conflict',
      `${kind.name}.external-id-taken`,
      `Another ${kind.name} of this organization has this externalId`,
      [
        {
          field: 'externalId',
          message: `externalId must be unique among the organization's ${kind.table}`,
        },
      ],
    ),
  stillReferenced: (kind: StructureKind) =>
    new DomainError(
      'conflict',
      `${kind.name}.in-use`,
      `This ${kind.name} still has departments; move or delete them first`,
    ),
  siteNotFound: () =>
    new DomainError(
      'rule-violation',
      'department.site-not-found',
      'The site does not exist in this organization',
      [{ field: 'siteId', message: 'siteId must name a site of this organization' }],
    ),
};
