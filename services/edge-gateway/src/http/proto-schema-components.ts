import type { DescEnum, DescMessage } from '@bufbuild/protobuf';
import type { OpenAPIV3 } from 'openapi-types';
import { enumSchema, messageObjectSchema, type SchemaComponents } from './proto-json-schema.js';

const refTo = (name: string): OpenAPIV3.ReferenceObject => ({ $ref: `#/components/schemas/${name}` });

/**
 * The document's `components.schemas` for the messages and enums its answers use, each under its full
 * proto name and described once.
 */
export class ProtoSchemaComponents implements SchemaComponents {
  readonly schemas: Record<string, OpenAPIV3.SchemaObject> = {};
  private readonly described = new Set<string>();

  messageRef(message: DescMessage): OpenAPIV3.ReferenceObject {
    const name = message.typeName;
    if (!this.described.has(name)) {
      // Marked before its fields are described, so a message that holds itself refers back.
      this.described.add(name);
      this.schemas[name] = messageObjectSchema(message, this);
    }
    return refTo(name);
  }

  enumRef(descEnum: DescEnum): OpenAPIV3.ReferenceObject {
    this.schemas[descEnum.typeName] ??= enumSchema(descEnum);
    return refTo(descEnum.typeName);
  }
}
