/**
 * Sites, departments and providers are the same kind of record (a named thing of the org with an
 * optional external id); one table description per kind lets one repository serve all three.
 * Column names come only from here, never from a request.
 */
export interface StructureKind {
  /** Singular, as in problem codes and audit targets: site, department, provider. */
  name: 'site' | 'department' | 'provider';
  table: string;
  idColumn: string;
  /** Response property of the id: siteId, departmentId, providerId. */
  idProperty: string;
  /** Other writable properties and their columns. */
  columns: Record<string, string>;
}

const common = { name: 'name', externalId: 'external_id' };

export const SITE: StructureKind = {
  name: 'site',
  table: 'sites',
  idColumn: 'site_id',
  idProperty: 'siteId',
  columns: { ...common, timezone: 'timezone' },
};

export const DEPARTMENT: StructureKind = {
  name: 'department',
  table: 'departments',
  idColumn: 'department_id',
  idProperty: 'departmentId',
  columns: { ...common, siteId: 'site_id' },
};

export const PROVIDER: StructureKind = {
  name: 'provider',
  table: 'providers',
  idColumn: 'provider_id',
  idProperty: 'providerId',
  columns: { ...common, specialty: 'specialty' },
};

/** A record as the API shows it: the id property, the writable ones, and timestamps. */
export type StructureRecord = Record<string, string | null>;
