import { Module } from '@nestjs/common';
import { APP_GUARD, DiscoveryModule } from '@nestjs/core';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { AuthService } from './auth.service';
import { RouteRoles } from './route-roles';
import { TokenService } from './token.service';

/** Bearer tokens with roles: the global guard, the token routes, the first admin token. */
@Module({
  imports: [DiscoveryModule],
  controllers: [AuthController],
  providers: [TokenService, AuthService, RouteRoles, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [TokenService, AuthService, RouteRoles],
})
export class AuthModule {}
