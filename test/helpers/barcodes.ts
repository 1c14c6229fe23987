// The reference GS1 DataMatrix UDI of the barcode tests (GTIN 09506000134352, expiry, lot, then a GS before
// the serial), as a scanner sends it, and how the decoder reads it.
import { type DecodedBarcode, GS } from '../../drivers/scanner/barcode/index.js';

/** As scanned: AIM identifier `]d2`, the GS separator after the variable-length lot. */
export const UDI_SCAN = `]d201095060001343521720123110ABC123${GS}2112345`;

export const UDI_DECODED: DecodedBarcode = {
  kind: 'gs1',
  valid: true,
  symbology: ']d2',
  errors: [],
  fields: { gtin: '09506000134352', expiry: '2020-12-31', lot: 'ABC123', serial: '12345' },
  raw: UDI_SCAN,
};
