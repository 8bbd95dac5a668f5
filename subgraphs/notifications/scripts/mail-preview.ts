// `npm run mail:preview`: renders every template with sample data to .data/mail-preview/
// (<template>[.<n>].html and .txt, plus .subject), to look at in a browser and an editor.
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sampleMails } from '../src/samples.js';
import { Templates } from '../src/templates.js';

const publicUrl = 'http://localhost:4000';
const templates = new Templates({ productName: 'Jobber', publicUrl });
const out = fileURLToPath(new URL('../.data/mail-preview/', import.meta.url));
mkdirSync(out, { recursive: true });
const seen = new Map<string, number>();
for (const { template, data } of sampleMails(publicUrl)) {
  const n = (seen.get(template) ?? 0) + 1;
  seen.set(template, n);
  const name = n === 1 ? template : `${template}.${n}`;
  const mail = templates.render(template, data);
  writeFileSync(`${out}${name}.html`, mail.html);
  writeFileSync(`${out}${name}.txt`, `Subject: ${mail.subject}\n\n${mail.text}`);
}
const missing = templates.names.filter((name) => !seen.has(name));
console.log(`mail:preview: ${[...seen.values()].reduce((a, b) => a + b, 0)} mails in ${out}`);
if (missing.length) {
  console.error(`mail:preview: templates without a sample: ${missing.join(', ')}`);
  process.exitCode = 1;
}
