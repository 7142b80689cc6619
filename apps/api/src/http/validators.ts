import { isCalendarDate } from '@tongxin/domain';
import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsString, Length, registerDecorator, ValidateBy, ValidateIf, type ValidationOptions } from 'class-validator';

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

/** C0 and C1 controls and DEL; tab, line feed and carriage return are taken apart (multi-line fields allow them). */
const CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]/u;
const LINE_BREAK_OR_TAB = /[\t\n\r\u2028\u2029]/u;
/** Bidirectional embeddings, overrides and isolates: they make stored text read differently from what it holds. */
const BIDI_CONTROL = /[\u202a-\u202e\u2066-\u2069]/u;
/** Half of a surrogate pair alone is no character: stored as UTF-8 it would silently become U+FFFD. */
const LONE_SURROGATE = /\p{Cs}/u;
/** Something a reader sees: a letter, digit, punctuation or symbol (not spaces, zero-width or format characters). */
const VISIBLE = /[\p{L}\p{N}\p{P}\p{S}]/u;

/** Why a text value is refused, or undefined when it is fine; `value` is already NFC. */
function textFault(value: string, multiline: boolean): string | undefined {
  if (LONE_SURROGATE.test(value)) return 'must be valid Unicode (it holds half of a surrogate pair)';
  if (CONTROL.test(value)) return 'must not contain control characters';
  if (!multiline && LINE_BREAK_OR_TAB.test(value)) return 'must be a single line (no tabs or line breaks)';
  if (BIDI_CONTROL.test(value)) return 'must not contain bidirectional control characters';
  if (!VISIBLE.test(value)) return 'must contain at least one visible character';
  return undefined;
}

/**
 * A text field: a string of 1–`max` characters, normalised to NFC, of clean text with at least one visible
 * character. Single-line fields (names, titles, units, references) refuse tabs and line breaks; multi-line ones
 * (notes, descriptions, reasons, purposes, location) keep them. Every DTO's text passes here, and so do imported rows.
 */
export function Text(max: number, options: { multiline?: boolean } = {}): PropertyDecorator {
  const multiline = options.multiline ?? false;
  return applyDecorators(
    Transform(({ value }: { value: unknown }) => (typeof value === 'string' && !LONE_SURROGATE.test(value) ? value.normalize('NFC') : value)),
    IsString(),
    Length(1, max),
    ValidateBy({
      name: 'isCleanText',
      validator: {
        validate: (value: unknown) => typeof value !== 'string' || textFault(value, multiline) === undefined,
        defaultMessage: (args) => `${args?.property} ${textFault(String(args?.value), multiline)}`,
      },
    }),
  ) as PropertyDecorator;
}

/** A text field that may span lines: notes, descriptions, reasons. */
export function MultilineText(max: number): PropertyDecorator {
  return Text(max, { multiline: true });
}
