import { isCalendarDate } from '@tongxin/domain';
import { applyDecorators } from '@nestjs/common';
import { IsString, Length, Matches, registerDecorator, ValidateBy, ValidateIf, type ValidationOptions } from 'class-validator';

export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;
export const MAX_MONEY = 1_000_000_000_000;
export const MAX_COUNT = 10_000_000;

/** A real calendar date `YYYY-MM-DD` (no 2023-02-30). */
export function IsCalendarDate(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isCalendarDate',
      validator: {
        validate: (value) => typeof value === 'string' && isCalendarDate(value),
        defaultMessage: (args) => `${args?.property} must be a real calendar date YYYY-MM-DD`,
      },
    },
    options,
  );
}

const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(:(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** ISO 8601 instant with an explicit offset; a real calendar date and time. */
export function isInstant(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const m = INSTANT.exec(value);
  if (!m) return false;
  if (!isCalendarDate(`${m[1]}-${m[2]}-${m[3]}`)) return false;
  if (Number(m[4]) > 23 || Number(m[5]) > 59 || (m[7] !== undefined && Number(m[7]) > 59)) return false;
  return !Number.isNaN(Date.parse(value));
}

/** Marks a field that must be an ISO 8601 instant with an explicit offset. */
export function IsInstant(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isInstant',
      target: target.constructor,
      propertyName: propertyName as string,
      options,
      validator: {
        validate: (value: unknown) => isInstant(value),
        defaultMessage: () => `${String(propertyName)} must be an ISO 8601 instant with an offset, e.g. 2026-05-01T00:00:00+08:00`,
      },
    });
}

/**
 * Absent is fine, null is not: class-validator's IsOptional would let `null` through unchecked,
 * and a null count or title must be refused like any other wrong type.
 */
export function Optional(): PropertyDecorator {
  return ValidateIf((_object, value) => value !== undefined);
}

/** Absent or null are both fine (null clears the field, e.g. detaching an activity from its campaign). */
export function Nullable(): PropertyDecorator {
  return ValidateIf((_object, value) => value !== undefined && value !== null);
}

/** A text field: a string of 1–`max` characters that is not only whitespace. */
export function Text(max: number): PropertyDecorator {
  return applyDecorators(
    IsString(),
    Length(1, max),
    Matches(/\S/, { message: ({ property }) => `${property} must not be blank` }),
  ) as PropertyDecorator;
}
