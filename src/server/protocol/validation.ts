/**
 * Schema errors as Chinese text and as the field they name: shared with the client's pre-send check,
 * so the definitions live in src/gateway/schemas/describe.ts.
 */
export {
  type SchemaError,
  describeSchemaError,
  describeSchemaErrors,
  fieldPath,
  schemaErrorField,
} from "../../gateway/schemas/describe";
