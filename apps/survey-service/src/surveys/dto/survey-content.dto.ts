import { FieldLimits, IsLanguageTag, IsPlainRecord } from '@careloop/contracts';
import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

/** The body of POST /api/surveys and PUT /api/surveys/{id}/draft: a whole draft. */
export class SurveyContentDto {
  @ApiProperty({ example: 'After your visit', maxLength: FieldLimits.name })
  @IsString()
  @Length(1, FieldLimits.name)
  title!: string;

  @ApiProperty({
    example: 'fr',
    description:
      "The language of the definition's default texts (normally the organization's default language); respondents whose language has no translation see these",
  })
  @IsLanguageTag()
  defaultLanguage!: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'SurveyJS survey JSON (subset): pages[].elements[] of rating, radiogroup, dropdown, checkbox, boolean, text, text/date, comment, matrix; visibleIf; skip and complete triggers; texts as strings or {default, <language>: text}',
    example: {
      pages: [
        {
          name: 'p1',
          elements: [
            {
              type: 'rating',
              name: 'nps',
              rateMin: 0,
              rateMax: 10,
              isRequired: true,
              title: { default: 'Recommanderiez-vous ?', en: 'Would you recommend us?' },
            },
            {
              type: 'comment',
              name: 'why',
              visibleIf: '{nps} <= 6',
              title: "Qu'est-ce qui n'a pas été ?",
            },
          ],
        },
      ],
    },
  })
  @IsPlainRecord({ maxKeys: 200, maxKeyLength: FieldLimits.label })
  definition!: Record<string, unknown>;
}
