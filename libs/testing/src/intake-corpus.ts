import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** Where the machine keeps the shared corpus when the repository is not beside it (e.g. a CI clone). */
const machineCorpus = '/work/shared/corpus/intake';

/**
 * The shared corpus of real FHIR R4 and HL7 v2 messages (with MANIFEST.tsv). It lives beside the
 * repository (`../shared/corpus/intake`), never in it; a clone elsewhere finds it through
 * CARELOOP_INTAKE_CORPUS, a `shared/corpus/intake` in any parent folder, or the machine's copy.
 * Absent everywhere, this throws: the intake's proof rests on it.
 */
export function intakeCorpusDirectory(): string {
  const candidates: string[] = [];
  const configured = process.env['CARELOOP_INTAKE_CORPUS'];
  if (configured) candidates.push(resolve(configured));
  for (let folder = resolve(__dirname, '../../..'); ; folder = dirname(folder)) {
    candidates.push(join(folder, 'shared', 'corpus', 'intake'));
    if (dirname(folder) === folder) break;
  }
  candidates.push(machineCorpus);
  const found = candidates.find((candidate) => existsSync(join(candidate, 'MANIFEST.tsv')));
  if (!found) {
    throw new Error(
      `The intake corpus is missing: looked for MANIFEST.tsv in ${candidates.join(', ')}. ` +
        'Set CARELOOP_INTAKE_CORPUS to its folder.',
    );
  }
  return found;
}
