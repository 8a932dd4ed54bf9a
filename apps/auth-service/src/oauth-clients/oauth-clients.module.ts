import { Module } from '@nestjs/common';
import { SigningKeysModule } from '../signing-keys/signing-keys.module';
import { FormBodyParser } from './form-body.parser';
import { OauthClientsController } from './oauth-clients.controller';
import { OauthClientsRepository } from './oauth-clients.repository';
import { OauthClientsService } from './oauth-clients.service';

@Module({
  imports: [SigningKeysModule],
  controllers: [OauthClientsController],
  providers: [OauthClientsService, OauthClientsRepository, FormBodyParser],
})
export class OauthClientsModule {}
