import type { LocalizableText } from './survey-definition';

/** The primary subtag: `fr-CA` falls back to `fr`. */
function primaryLanguageOf(language: string): string {
  return language.split('-')[0]?.toLowerCase() ?? language;
}

/** The text in the default language: SurveyJS's `default` key, else the default language's own key. */
export function defaultTextOf(
  text: LocalizableText | undefined,
  defaultLanguage: string,
): string | undefined {
  if (typeof text === 'string') return text.trim() === '' ? undefined : text;
  if (!text || typeof text !== 'object') return undefined;
  const candidate = text['default'] ?? text[defaultLanguage];
  return typeof candidate === 'string' && candidate.trim() !== '' ? candidate : undefined;
}

/**
 * The text in `language`, else in its primary language (`fr-CA` -> `fr`), else in the survey's
 * default language, which the definition validator guarantees is present.
 */
export function localize(
  text: LocalizableText | undefined,
  language: string,
  defaultLanguage: string,
): string | undefined {
  if (text !== undefined && typeof text === 'object') {
    const exact = text[language];
    if (typeof exact === 'string' && exact.trim() !== '') return exact;
    const primary = text[primaryLanguageOf(language)];
    if (typeof primary === 'string' && primary.trim() !== '') return primary;
  }
  return defaultTextOf(text, defaultLanguage);
}

/** Language keys a localizable text provides, besides `default`. */
export function languagesOfText(text: LocalizableText | undefined): string[] {
  if (!text || typeof text !== 'object') return [];
  return Object.keys(text).filter((key) => key !== 'default');
}
