import { getMetadataStorage } from 'class-validator';

/** class-validator's metadata entries; only passed through here, never read. */
type ValidationMetadata = object;

type MetadataLookup = (
  target: object,
  targetSchema: string,
  always: boolean,
  strictGroups: boolean,
  groups?: string[],
) => ValidationMetadata[];

interface MetadataStorageInternals {
  getTargetValidationMetadatas: MetadataLookup;
  groupByPropertyName(metadata: ValidationMetadata[]): Record<string, ValidationMetadata[]>;
  addValidationMetadata(metadata: ValidationMetadata): void;
  careloopMemoized?: true;
}

/**
 * Memoizes class-validator's metadata look-ups. Unpatched, every validated object (each DTO, each
 * nested payload, every event built or decoded) scans every decorated class of the process for its
 * ancestors and regroups the result by property (typestack/class-validator#2686): a fifth of an
 * event's build cost here. Results are cached per target and options, and the whole cache is
 * dropped whenever a class registers new metadata, so a late-loaded class can never be served a
 * stale answer. Idempotent; the storage is process-global, so one call covers every validation.
 */
export function memoizeValidationMetadata(): void {
  const storage = getMetadataStorage() as unknown as MetadataStorageInternals;
  if (storage.careloopMemoized) return;
  storage.careloopMemoized = true;

  const lookup = storage.getTargetValidationMetadatas.bind(storage);
  const group = storage.groupByPropertyName.bind(storage);
  const register = storage.addValidationMetadata.bind(storage);
  let byTarget = new WeakMap<object, Map<string, ValidationMetadata[]>>();
  let grouped = new WeakMap<ValidationMetadata[], Record<string, ValidationMetadata[]>>();

  storage.addValidationMetadata = (metadata) => {
    byTarget = new WeakMap();
    grouped = new WeakMap();
    register(metadata);
  };
  storage.getTargetValidationMetadatas = (target, targetSchema, always, strictGroups, groups) => {
    // Schema-based validation passes no constructor to key on; it is not used here.
    if (typeof target !== 'function') {
      return lookup(target, targetSchema, always, strictGroups, groups);
    }
    const key = `${targetSchema}\u0000${always}\u0000${strictGroups}\u0000${groups?.join('\u0001') ?? ''}`;
    let forTarget = byTarget.get(target);
    if (!forTarget) {
      forTarget = new Map();
      byTarget.set(target, forTarget);
    }
    let metadata = forTarget.get(key);
    if (!metadata) {
      metadata = lookup(target, targetSchema, always, strictGroups, groups);
      forTarget.set(key, metadata);
    }
    return metadata;
  };
  // The executor regroups the (now identical) array on every call; class-validator only reads it.
  storage.groupByPropertyName = (metadata) => {
    let result = grouped.get(metadata);
    if (!result) {
      result = group(metadata);
      grouped.set(metadata, result);
    }
    return result;
  };
}
