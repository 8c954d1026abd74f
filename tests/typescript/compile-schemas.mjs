// Compile every component schema of an OpenAPI 3.1 document with Ajv (JSON Schema 2020-12,
// strict): a schema a validator cannot compile fails here, before a frontend team finds it.
import { readFileSync } from "node:fs";

import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

const document = JSON.parse(readFileSync(process.argv[2], "utf8"));
const ajv = new Ajv2020({ strict: true, strictTypes: true, strictRequired: true });
addFormats(ajv);
ajv.addVocabulary(["components"]); // the document's container of schemas, not a keyword
ajv.addSchema({ $id: "openapi.json", components: document.components });
const names = Object.keys(document.components.schemas);
for (const name of names) ajv.compile({ $ref: `openapi.json#/components/schemas/${name}` });
console.log(`Ajv compiled all ${names.length} component schemas (strict)`);
