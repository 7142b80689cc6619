import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { MultilineText, Text } from './validators';

class Named {
  @Text(20)
  name!: string;

  @MultilineText(50)
  notes!: string;
}

/** The messages class-validator gives for a value of each field, and the value as the DTO holds it. */
function check(plain: { name?: unknown; notes?: unknown }): { name: string; messages: string[] } {
  const dto = plainToInstance(Named, { name: '张三', notes: '备注', ...plain });
  const messages = validateSync(dto).flatMap((error) => Object.values(error.constraints ?? {}));
  return { name: dto.name, messages };
}

describe('Text', () => {
  it('given decomposed text, then it is held in NFC', () => {
    expect(check({ name: 'Jose\u0301' })).toEqual({ name: 'Jos\u00e9', messages: [] });
  });

  it.each([
    ['zero-width spaces only', '\u200b\u200b', 'name must contain at least one visible character'],
    ['spaces only, ideographic included', ' \u3000', 'name must contain at least one visible character'],
    ['a NUL', 'a\u0000', 'name must not contain control characters'],
    ['DEL', 'a\u007f', 'name must not contain control characters'],
    ['a C1 control', 'a\u009b', 'name must not contain control characters'],
    ['a lone high surrogate', 'a\ud83d', 'name must be valid Unicode (it holds half of a surrogate pair)'],
    ['a lone low surrogate', '\udc00a', 'name must be valid Unicode (it holds half of a surrogate pair)'],
    ['a right-to-left override', 'a\u202eb', 'name must not contain bidirectional control characters'],
    ['a line break', 'a\nb', 'name must be a single line (no tabs or line breaks)'],
    ['a tab', 'a\tb', 'name must be a single line (no tabs or line breaks)'],
    ['a line separator', 'a\u2028b', 'name must be a single line (no tabs or line breaks)'],
  ])('given %s in a single-line field, then it is refused', (_name, value, message) => {
    expect(check({ name: value }).messages).toEqual([message]);
  });

  it.each([['Chinese', '同心'], ['an emoji sequence with joiners', '👩\u200d👩\u200d👧'], ['a symbol only', '¥'], ['a digit', '7']])(
    'given %s, then it is taken', (_name, value) => {
      expect(check({ name: value }).messages).toEqual([]);
    },
  );

  it('given tabs and line breaks in a multi-line field, then they are kept; other controls are not', () => {
    expect(check({ notes: '第一行\r\n\t第二行' }).messages).toEqual([]);
    expect(check({ notes: '第一行\u0000' }).messages).toEqual(['notes must not contain control characters']);
    expect(check({ notes: '\n\t' }).messages).toEqual(['notes must contain at least one visible character']);
  });

  it('given a value that is not a string, then only the type is named', () => {
    expect(check({ name: 12 }).messages).toEqual(expect.arrayContaining(['name must be a string']));
  });
});
