/** Column schemas of the four sheet kinds. */
import { blueInvoicesSchema } from "./blueInvoices";
import type { SheetKind, SheetSchema } from "./columns";
import { confirmFormsSchema } from "./confirmForms";
import { infoFormsSchema } from "./infoForms";
import { inputPoolSchema } from "./inputPool";

export * from "./columns";
export { blueInvoicesSchema, confirmFormsSchema, infoFormsSchema, inputPoolSchema };

export const SCHEMAS: Readonly<Record<SheetKind, SheetSchema>> = {
  blueInvoices: blueInvoicesSchema,
  infoForms: infoFormsSchema,
  confirmForms: confirmFormsSchema,
  inputPool: inputPoolSchema,
};

export function schemaOf(kind: SheetKind): SheetSchema {
  return SCHEMAS[kind];
}

/** Result columns of a kind (what `writeResults` may write). */
export function resultColumns(schema: SheetSchema) {
  return schema.columns.filter((c) => c.result);
}
