import './telemetry';
import { runOrExit } from '@careloop/config';
import { bootstrapService } from '@careloop/runtime';
import { userOrgService } from './user-org-service.definition';

runOrExit('user-org-service', () => bootstrapService(userOrgService));
