import { Body, Controller, Delete, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ApiTokenDto, CreatedTokenDto, CreateTokenDto, MeDto, TokenIdParams, toApiTokenDto, toMeDto } from './auth.dto';
import { RequireRole } from './roles';
import { TokenService } from './token.service';

@ApiTags('auth')
@Controller('api/auth')
export class AuthController {
  constructor(private readonly tokens: TokenService) {}

  /** The caller's own token: its name, role and expiry (the web app shows it and disables what the role may not do). */
  @Get('me')
  @RequireRole('viewer')
  @ApiOkResponse({ type: MeDto })
  getMe(@Req() request: FastifyRequest): MeDto {
    return toMeDto(request.principal!);
  }

  @Get('tokens')
  @RequireRole('admin')
  @ApiOkResponse({ type: [ApiTokenDto] })
  async listTokens(): Promise<ApiTokenDto[]> {
    return (await this.tokens.list()).map(toApiTokenDto);
  }

  /** Issues a token; the answer carries it this once. */
  @Post('tokens')
  @RequireRole('admin')
  @ApiCreatedResponse({ type: CreatedTokenDto })
  async createToken(@Body() body: CreateTokenDto): Promise<CreatedTokenDto> {
    const { record, token } = await this.tokens.create({
      name: body.name,
      role: body.role,
      expiresAt: body.expiresAt ? new Date(body.expiresAt) : undefined,
    });
    return { ...toApiTokenDto(record), token };
  }

  /** Revokes a token at once; it stays listed with revokedAt. */
  @Delete('tokens/:id')
  @HttpCode(204)
  @RequireRole('admin')
  @ApiNoContentResponse()
  async revokeToken(@Param() { id }: TokenIdParams): Promise<void> {
    await this.tokens.revoke(id);
  }
}
