// Parses each Terraform file named on the command line with @cdktf/hcl2json and prints one JSON object:
// {"<file>": <the file as JSON>, ...}. A file that does not parse is reported on stderr and exits 1.
import { parse } from "@cdktf/hcl2json";
import { readFileSync } from "node:fs";

const out = {};
let failed = false;
for (const file of process.argv.slice(2)) {
  try {
    out[file] = await parse(file, readFileSync(file, "utf8"));
  } catch (e) {
    console.error(`${file}: ${e.message ?? e}`);
    failed = true;
  }
}
process.stdout.write(JSON.stringify(out));
process.exit(failed ? 1 : 0);
