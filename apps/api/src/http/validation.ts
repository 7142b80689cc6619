import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { badRequest, type FieldError } from './problem';

/** `donor.name`, `items[0].quantity`: one entry per bad field, however deep. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const error of errors) {
    const segment = /^\d+$/.test(error.property) ? `[${error.property}]` : error.property;
    const path = parent ? (segment.startsWith('[') ? `${parent}${segment}` : `${parent}.${segment}`) : segment;
    if (error.constraints) {
      const messages = Object.entries(error.constraints)
        // Whitelisting reports unknown properties as "property X should not exist"; say it plainly.
        .map(([name, message]) => (name === 'whitelistValidation' ? 'unknown field' : message));
      out.push({ path, message: messages.join('; ') });
    }
    if (error.children?.length) out.push(...flattenValidationErrors(error.children, path));
  }
  return out;
}

/**
 * Strict input: unknown fields refused, no coercion ("12" is not a number), every error reported.
 * A body that is not a JSON object is refused before class-validator sees it.
 */
export function strictValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false, exposeDefaultValues: true },
    validationError: { target: false, value: false },
    stopAtFirstError: false,
    exceptionFactory: (errors) => badRequest(flattenValidationErrors(errors)),
  });
}
