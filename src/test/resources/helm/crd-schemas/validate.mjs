// Validates the Prometheus Operator objects (apiVersion monitoring.coreos.com/*) of a multi-document
// YAML file against the operator's CRD schemas, the part kubernetes-validate has no schema for.
//
//   node validate.mjs MODULES_DIR FILE
//
// MODULES_DIR is where scripts/services.sh ran `npm ci` on the package.json beside this file: the
// npm package @kubernetes-models/prometheus-operator 5.0.1, whose validators are generated from the
// CRDs of Prometheus Operator v0.90.1 (their openAPIV3Schema: types, required fields, enums,
// patterns such as the duration in `interval` and `for`). Like the API server, those schemas let
// unknown fields through (it prunes them).
//
// Prints one line per object (INFO passed / ERROR ...) in kubernetes-validate's manner; other
// kinds are left to kubernetes-validate. Exit code 0 when every object passed, 1 when one failed
// (or is a monitoring.coreos.com kind with no schema here), 2 on a usage or input error.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const [modulesDir, file] = process.argv.slice(2);
if (!modulesDir || !file) {
  console.error("usage: node validate.mjs MODULES_DIR FILE");
  process.exit(2);
}
const modules = join(modulesDir, "node_modules");
const YAML = createRequire(join(modules, "_"))("yaml");
const crds = join(modules, "@kubernetes-models/prometheus-operator/monitoring.coreos.com");
const models = {
  "monitoring.coreos.com/v1": await import(pathToFileURL(join(crds, "v1/index.js"))),
  "monitoring.coreos.com/v1alpha1": await import(pathToFileURL(join(crds, "v1alpha1/index.js"))),
};

let documents;
try {
  documents = YAML.parseAllDocuments(readFileSync(file, "utf8")).map((doc) => {
    if (doc.errors.length > 0) throw doc.errors[0];
    return doc.toJS();
  });
} catch (e) {
  console.log(`ERROR ${file} is not YAML: ${e.message}`);
  process.exit(2);
}

let rc = 0;
for (const resource of documents) {
  if (!resource || typeof resource.apiVersion !== "string" || !resource.apiVersion.startsWith("monitoring.coreos.com/")) {
    continue;
  }
  const name = `${String(resource.kind).toLowerCase()}/${resource.metadata?.name}`;
  const Model = models[resource.apiVersion]?.[resource.kind];
  if (typeof Model !== "function") {
    console.log(`ERROR ${file} has no CRD schema for kind ${resource.kind} with api version ${resource.apiVersion}`);
    rc = 1;
    continue;
  }
  try {
    new Model(resource).validate();
    console.log(`INFO ${file} passed for resource ${name} against the CRD ${resource.apiVersion} ${resource.kind}`);
  } catch (e) {
    console.log(`ERROR ${file} did not validate for resource ${name} against the CRD: ${e.message}`);
    rc = 1;
  }
}
process.exit(rc);
