export * from './columns';
export {
  type CellValue, type CellError, type Converted, type DonatedItem,
  yuanToFen, toInteger, toCalendarDate, toBoolean, toItems, toText, numberText, serialToDate,
} from './cells';
export * from './sheet';
export * from './read-sheet';
export * from './limits';
export { isZip, measureZip } from './zip-guard';
export { isLegacyWorkbook, type RowSink } from './workbook-reader';
export * from './convert-row';
export * from './parse-import';
export * from './identity';
export * from './template';
export * from './fixtures';
export * from './bank-lines';
