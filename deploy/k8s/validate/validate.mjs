// Validates Kubernetes manifests against the Kubernetes API schemas: each document's apiVersion and kind pick the
// model of `kubernetes-models` (JSON schemas generated from the Kubernetes OpenAPI document), whose validate() checks
// types, required fields, enumerations and formats. (Unknown fields are not refused: the Kubernetes schemas allow them,
// and only a server-side strict validation would catch a misspelt field name.)
//
//   node validate.mjs FILE.yaml...     prints "ok KIND/NAME" per document; exit 1 and the errors when any is invalid
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

async function modelFor(apiVersion, kind) {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  const module = await import(group === "" ? `kubernetes-models/${version}` : `kubernetes-models/${group}/${version}`).catch(() => null);
  return module?.[kind];
}

let failures = 0;
for (const file of process.argv.slice(2)) {
  const documents = parseAllDocuments(readFileSync(file, "utf8"));
  for (const document of documents) {
    if (document.errors.length > 0) {
      console.log(`${file}: YAML error: ${document.errors.map((e) => e.message).join("; ")}`);
      failures++;
      continue;
    }
    const manifest = document.toJS();
    if (manifest === null) {
      continue;
    }
    const where = `${file}: ${manifest.kind}/${manifest.metadata?.name}`;
    const Model = await modelFor(String(manifest.apiVersion ?? ""), String(manifest.kind ?? ""));
    if (!Model) {
      console.log(`${where}: unknown apiVersion/kind ${manifest.apiVersion} ${manifest.kind}`);
      failures++;
      continue;
    }
    const errors = [];
    try {
      new Model(manifest).validate();
    } catch (error) {
      errors.push(...(error.errors ?? [error]).map((e) => `${e.instancePath ?? ""} ${e.message}${e.params ? " " + JSON.stringify(e.params) : ""}`));
    }
    if (errors.length > 0) {
      console.log(`${where}: invalid\n  ${errors.join("\n  ")}`);
      failures++;
    } else {
      console.log(`ok ${where}`);
    }
  }
}
process.exit(failures > 0 ? 1 : 0);
