import { Module } from '@nestjs/common';
import { SurveyReadCache } from '../cache/survey-read.cache';
import { SurveysController } from './surveys.controller';
import { SurveysRepository } from './surveys.repository';
import { SurveysService } from './surveys.service';

@Module({
  controllers: [SurveysController],
  providers: [SurveysService, SurveysRepository, SurveyReadCache],
})
export class SurveysModule {}
