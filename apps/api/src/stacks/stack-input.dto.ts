import { BadRequestException } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { plainToInstance } from 'class-transformer';
import { IsObject, IsOptional, IsString, Matches, validateSync } from 'class-validator';
import { STACK_NAME } from '@app/catalog';
import { describeValidationErrors } from '../common/validation';
import { OptionalBooleanFlag } from '../common/validation';

/** What a stack is created and replaced with (name, compose text, variables, files), checked before anything is written; and the import's choice between a stack and one definition per service. */

const STACK_NAME_MESSAGE =
  'name must be a stack name: lowercase letters, digits, "-" and "_", starting with a letter or digit, 1-32 characters';

export class StackNameParams {
  @ApiProperty({ example: 'shop' })
  @IsString()
  @Matches(STACK_NAME, { message: STACK_NAME_MESSAGE })
  name: string;
}

/** A stack to create or replace: the compose file's text, its variables, and the files it refers to. */
export class StackInputDto {
  @ApiProperty({ description: 'the compose file, YAML text', example: 'services:\n  web:\n    image: mini2:5000/web:1.4\n' })
  @IsString({ message: "compose must be the compose file's YAML text" })
  compose: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    description: 'values for ${VAR} in the file; secret-looking names come back masked',
    example: { DB_PASSWORD: 's3cret' },
  })
  @IsOptional()
  @IsObject({ message: 'variables must be a map of name to string' })
  variables?: Record<string, string>;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    description: "files the compose file refers to (configs, secrets, env_file), by path relative to the stack's folder",
    example: { 'nginx/site.conf': 'server { listen 80; }\n' },
  })
  @IsOptional()
  @IsObject({ message: 'files must be a map of relative path to content' })
  files?: Record<string, string>;
}

export class CreateStackDto extends StackInputDto {
  @ApiProperty({ example: 'shop', description: 'prefixes every object of the stack (`shop_web`)' })
  @IsString()
  @Matches(STACK_NAME, { message: STACK_NAME_MESSAGE })
  name: string;
}

export class CreateStackQuery {
  @ApiPropertyOptional({ description: "the stack's name when the body is the compose file itself (application/yaml)" })
  @IsOptional()
  @IsString()
  @Matches(STACK_NAME, { message: STACK_NAME_MESSAGE })
  name?: string;
}

function validated<T extends object>(cls: new () => T, value: unknown): T {
  const dto = plainToInstance(cls, value);
  const errors = validateSync(dto, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length) throw new BadRequestException(describeValidationErrors(errors).join('; '));
  return dto;
}

/**
 * The body of POST /api/stacks: JSON `{ name, compose, variables?, files? }`,
 * or the compose file itself (application/yaml, the text parser) with the
 * name in the query. One route takes both, so it is validated here.
 */
export function createStackInput(body: unknown, query: CreateStackQuery): CreateStackDto {
  if (typeof body === 'string') {
    if (!query.name) throw new BadRequestException('name: a compose file sent as YAML needs ?name= for the stack');
    return { name: query.name, compose: body };
  }
  if (!body || typeof body !== 'object')
    throw new BadRequestException(
      'body: send { name, compose, variables?, files? } as JSON, or the compose file as application/yaml with ?name=',
    );
  return validated(CreateStackDto, query.name && !('name' in body) ? { ...body, name: query.name } : body);
}

/** The body of PUT /api/stacks/{name}: the same as a create, without the name (or the compose file as YAML). */
export function replaceStackInput(body: unknown): StackInputDto {
  if (typeof body === 'string') return { compose: body };
  if (!body || typeof body !== 'object')
    throw new BadRequestException('body: send { compose, variables?, files? } as JSON, or the compose file as application/yaml');
  return validated(StackInputDto, body);
}

export class SplitQuery {
  @ApiPropertyOptional({ description: 'make one definition per service of a file with several, instead of offering it as a stack' })
  @OptionalBooleanFlag()
  split?: boolean;
}
