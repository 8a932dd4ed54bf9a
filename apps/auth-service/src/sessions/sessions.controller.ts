import type { AuthenticatedCaller } from '@careloop/security';
import {
  bearerTokenOf,
  CurrentIdentity,
  jose,
  Public,
  WithoutOrganization,
} from '@careloop/security';
import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Post,
  Req,
  UseInterceptors,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { requireUser } from '../common/current-user';
import { RetryAfterInterceptor } from '../common/retry-after.interceptor';
import { MeResponse } from './dto/me.response';
import { LoginDto, RefreshTokenDto, SignupDto, SwitchOrganizationDto } from './dto/session.dtos';
import { TokenPairResponse } from './dto/token-pair.response';
import type { SessionCaller } from './sessions.service';
import { SessionsService } from './sessions.service';

/** The caller and whether its token's session passed a second factor (`amr` holds `otp`). */
function sessionCallerOf(
  caller: AuthenticatedCaller,
  authorization: string | undefined,
): SessionCaller {
  const user = requireUser(caller);
  const token = bearerTokenOf(authorization);
  // The guard verified this token already; only its `amr` is read here.
  const amr = token ? jose.decodeJwt(token)['amr'] : undefined;
  return { ...user, mfaVerified: Array.isArray(amr) && amr.includes('otp') };
}

@ApiTags('sessions')
@Controller('api/auth')
export class SessionsController {
  constructor(private readonly sessions: SessionsService) {}

  @Public()
  @Post('signup')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Create an account, and an organization when organizationName is given',
  })
  @ApiResponse({ status: 201, type: TokenPairResponse })
  @ApiResponse({
    status: 400,
    description: 'Invalid body, e.g. a too short or too common password',
  })
  @ApiResponse({ status: 409, description: 'The email is already registered' })
  signup(@Body() body: SignupDto): Promise<TokenPairResponse> {
    return this.sessions.signup(body);
  }

  @Public()
  @Post('login')
  @HttpCode(200)
  @UseInterceptors(RetryAfterInterceptor)
  @ApiOperation({ summary: 'Log in with email and password (and a second factor when required)' })
  @ApiResponse({ status: 200, type: TokenPairResponse })
  @ApiResponse({ status: 401, description: 'Wrong credentials, or …#auth/mfa-required' })
  @ApiResponse({ status: 429, description: 'Too many failures: wait Retry-After seconds' })
  login(@Body() body: LoginDto, @Req() request: FastifyRequest): Promise<TokenPairResponse> {
    return this.sessions.login(body, request.ip);
  }

  @Public()
  @Post('refresh')
  @HttpCode(200)
  @ApiOperation({ summary: 'Exchange a refresh token for a new pair; each token works once' })
  @ApiResponse({ status: 200, type: TokenPairResponse })
  @ApiResponse({
    status: 401,
    description: 'Invalid, expired, revoked or reused (the session is then revoked)',
  })
  refresh(@Body() body: RefreshTokenDto): Promise<TokenPairResponse> {
    return this.sessions.refresh(body.refreshToken);
  }

  @Post('logout')
  @HttpCode(204)
  @WithoutOrganization()
  @ApiBearerAuth()
  @ApiOperation({ summary: 'End the session the refresh token belongs to' })
  @ApiResponse({ status: 204 })
  logout(
    @CurrentIdentity() caller: AuthenticatedCaller,
    @Headers('authorization') authorization: string | undefined,
    @Body() body: RefreshTokenDto,
  ): Promise<void> {
    return this.sessions.logout(sessionCallerOf(caller, authorization), body.refreshToken);
  }

  @Post('switch-org')
  @HttpCode(200)
  @WithoutOrganization()
  @ApiBearerAuth()
  @ApiOperation({ summary: 'A new pair acting in another organization the user belongs to' })
  @ApiResponse({ status: 200, type: TokenPairResponse })
  @ApiResponse({ status: 403, description: 'Not a member of that organization' })
  switchOrganization(
    @CurrentIdentity() caller: AuthenticatedCaller,
    @Headers('authorization') authorization: string | undefined,
    @Body() body: SwitchOrganizationDto,
  ): Promise<TokenPairResponse> {
    return this.sessions.switchOrganization(sessionCallerOf(caller, authorization), body.orgId);
  }

  @Get('me')
  @WithoutOrganization()
  @ApiBearerAuth()
  @ApiOperation({ summary: 'The caller: identity, second factor, memberships' })
  @ApiResponse({ status: 200, type: MeResponse })
  me(
    @CurrentIdentity() caller: AuthenticatedCaller,
    @Headers('authorization') authorization: string | undefined,
  ): Promise<MeResponse> {
    return this.sessions.me(sessionCallerOf(caller, authorization));
  }
}
