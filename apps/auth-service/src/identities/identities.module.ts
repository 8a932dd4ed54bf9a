import { Module } from '@nestjs/common';
import { IdentitiesRepository } from './identities.repository';
import { PasswordHasher } from './password-hasher';

@Module({
  providers: [IdentitiesRepository, PasswordHasher],
  exports: [IdentitiesRepository, PasswordHasher],
})
export class IdentitiesModule {}
