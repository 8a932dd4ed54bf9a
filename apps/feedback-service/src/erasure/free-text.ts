import type { QuestionKind } from '@careloop/contracts';

/** The suffix SurveyJS gives the text of an "other" answer (`reason-Comment`). */
const OTHER_COMMENT_SUFFIX = '-Comment';

/**
 * The answers without what the patient wrote in their own words (free-text questions and the
 * text of "other" answers): what erasure removes from a response, keeping the scores and choices
 * that count in aggregates and no longer identify anyone. Without the version's kinds every
 * string answer goes, since any of them could be free text.
 */
export function withoutFreeText(
  answers: Record<string, unknown>,
  kinds: ReadonlyMap<string, QuestionKind>,
): { answers: Record<string, unknown>; removed: number } {
  const kept: Record<string, unknown> = {};
  let removed = 0;
  for (const [questionId, value] of Object.entries(answers)) {
    const freeText =
      questionId.endsWith(OTHER_COMMENT_SUFFIX) ||
      kinds.get(questionId) === 'text' ||
      (kinds.size === 0 && typeof value === 'string');
    if (freeText) removed += 1;
    else kept[questionId] = value;
  }
  return { answers: kept, removed };
}
