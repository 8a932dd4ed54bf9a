import { Module } from '@nestjs/common';
import { StaffActionRecorder } from './staff-action.recorder';

@Module({ providers: [StaffActionRecorder], exports: [StaffActionRecorder] })
export class AuditModule {}
