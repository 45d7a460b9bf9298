import { describe, expect, it } from 'vitest';
import { toCsv } from '../../src-shared/domain/csv';

describe('toCsv', () => {
  it('quotes what needs quoting and keeps spreadsheets from evaluating cells', () => {
    expect(toCsv(['a', 'b'], [['x,y', 'say "hi"'], ['line\nbreak', null], ['=SUM(A1)', { k: 1 }]])).toBe(
      'a,b\r\n"x,y","say ""hi"""\r\n"line\nbreak",\r\n\'=SUM(A1),"{""k"":1}"\r\n',
    );
  });
});
