import { applyDecorators, BadRequestException, ValidationError, ValidationPipe } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional } from 'class-validator';
import { BOOLEAN_FLAG_RULE, parseBooleanFlag } from '@app/catalog';

/** An optional true/false flag, from a query string ("true"/"false") or a JSON body; anything else is a 400 naming it. */
export function OptionalBooleanFlag(): PropertyDecorator {
  return applyDecorators(
    IsOptional(),
    Transform(({ value }) => parseBooleanFlag(value)),
    IsBoolean({ message: `$property ${BOOLEAN_FLAG_RULE}` }),
  );
}

/** Flattens nested class-validator errors into "path.to.field: rule; …" so a 400 names the field. */
export function describeValidationErrors(errors: ValidationError[], parent = ''): string[] {
  return errors.flatMap((e) => {
    const path = parent ? `${parent}.${e.property}` : e.property;
    // class-validator's default messages open with the property name: widen it to the full path
    const own = Object.values(e.constraints ?? {}).map((rule) =>
      rule.startsWith(`${e.property} `) ? `${path}${rule.slice(e.property.length)}` : `${path}: ${rule}`,
    );
    return [...own, ...describeValidationErrors(e.children ?? [], path)];
  });
}

export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    transform: true,
    whitelist: true,
    forbidNonWhitelisted: true,
    exceptionFactory: (errors) => new BadRequestException(describeValidationErrors(errors).join('; ')),
  });
}
