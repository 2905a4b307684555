import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import type { ApiTokenRecord } from '@app/catalog';
import type { Principal } from './principal';
import { ROLES, type Role } from './roles';

export class CreateTokenDto {
  @ApiProperty({ example: 'ci-deployer', description: 'who or what uses the token; the audit log names callers by it' })
  @IsString()
  @Matches(/^[\w .@-]{1,64}$/, { message: 'must be 1 to 64 letters, digits, spaces or . _ @ -' })
  name: string;

  @ApiProperty({ enum: ROLES, example: 'operator' })
  @IsIn(ROLES, { message: `must be one of ${ROLES.join(', ')}` })
  role: Role;

  @ApiPropertyOptional({ example: '2026-12-31T00:00:00Z', description: 'when the token stops working; omit for no expiry' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'must be an ISO 8601 date-time, e.g. 2026-12-31T00:00:00Z' })
  @MaxLength(40)
  expiresAt?: string;
}

export class TokenIdParams {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'must be a token id (a UUID)' })
  id: string;
}

export class ApiTokenDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'ci-deployer' }) name: string;
  @ApiProperty({ enum: ROLES }) role: Role;
  @ApiProperty() createdAt: string;
  @ApiPropertyOptional() expiresAt?: string;
  @ApiPropertyOptional() revokedAt?: string;
  @ApiPropertyOptional({ description: 'roughly (updated at most once a minute)' }) lastUsedAt?: string;
}

export class CreatedTokenDto extends ApiTokenDto {
  @ApiProperty({ example: 'so_…', description: 'the token itself: shown this once, stored only as a hash' }) token: string;
}

export class MeDto {
  @ApiProperty({ example: 'ci-deployer' }) name: string;
  @ApiProperty({ enum: ROLES }) role: Role;
  @ApiPropertyOptional() expiresAt?: string;
}

export function toApiTokenDto(t: ApiTokenRecord): ApiTokenDto {
  return {
    id: t.id,
    name: t.name,
    role: t.role as Role,
    createdAt: t.createdAt,
    expiresAt: t.expiresAt,
    revokedAt: t.revokedAt,
    lastUsedAt: t.lastUsedAt,
  };
}

export function toMeDto(p: Principal): MeDto {
  return { name: p.name, role: p.role, expiresAt: p.expiresAt };
}
