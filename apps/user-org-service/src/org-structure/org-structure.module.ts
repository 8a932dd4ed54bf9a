import { Module } from '@nestjs/common';
import { DepartmentsController } from './departments.controller';
import { OrgStructureRepository } from './org-structure.repository';
import { OrgStructureService } from './org-structure.service';
import { ProvidersController } from './providers.controller';
import { SitesController } from './sites.controller';

@Module({
  controllers: [SitesController, DepartmentsController, ProvidersController],
  providers: [OrgStructureService, OrgStructureRepository],
})
export class OrgStructureModule {}
