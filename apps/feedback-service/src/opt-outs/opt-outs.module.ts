import { Module } from '@nestjs/common';
import { OptOutsRepository } from './opt-outs.repository';

/** Opt-outs are written by the respondent (and later staff) and read when deciding a session. */
@Module({ providers: [OptOutsRepository], exports: [OptOutsRepository] })
export class OptOutsModule {}
