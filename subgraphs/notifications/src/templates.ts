import { readdirSync, readFileSync } from 'node:fs';
import Handlebars from 'handlebars';

/**
 * Email templates (docs/2026-12-03-mail-templates.md): one Handlebars file per kind in
 * templates/, `subject: …` on its first line, `---`, then the body written with a few block
 * helpers (`p`, `facts`/`fact`, `button`, `code`, `quote`). The same body is compiled twice:
 * once with HTML helpers (values escaped) into the HTML layout, once with plain-text helpers
 * (nothing escaped) into the text layout, so the HTML and text parts always say the same.
 */

/** What every template gets besides its own data. */
export interface Brand {
  productName: string;
  publicUrl: string;
}

export interface RenderedMail {
  subject: string;
  html: string;
  text: string;
}

type Value = string | number | boolean | null | undefined;
export type TemplateData = Record<string, Value>;

const templatesDir = new URL('./templates/', import.meta.url);

function htmlEnvironment(): typeof Handlebars {
  const hb = Handlebars.create();
  // The five characters HTML needs escaped (Handlebars' own also escapes `=` and backticks,
  // which would mangle every link's query string for a reader of the source).
  const esc = (value: unknown) =>
    String(value ?? '').replace(
      /[&<>"']/g,
      (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
    );
  const safe = (html: string) => new hb.SafeString(html);
  hb.registerHelper('p', function (this: unknown, options: Handlebars.HelperOptions) {
    return safe(`<p style="margin:0 0 16px;line-height:1.5">${options.fn(this).trim()}</p>`);
  });
  hb.registerHelper('quote', function (this: unknown, options: Handlebars.HelperOptions) {
    return safe(
      `<blockquote style="margin:0 0 16px;padding:8px 16px;border-left:3px solid #ccc;color:#444">${options.fn(this).trim()}</blockquote>`,
    );
  });
  hb.registerHelper('facts', function (this: unknown, options: Handlebars.HelperOptions) {
    return safe(
      `<table role="presentation" style="margin:0 0 16px;border-collapse:collapse">${options.fn(this).trim()}</table>`,
    );
  });
  hb.registerHelper('fact', (label: unknown, value: unknown) =>
    safe(
      `<tr><td style="padding:4px 16px 4px 0;color:#666">${esc(label)}</td><td style="padding:4px 0"><strong>${esc(value)}</strong></td></tr>`,
    ),
  );
  hb.registerHelper('button', (label: unknown, url: unknown) =>
    safe(
      `<p style="margin:24px 0"><a href="${esc(url)}" style="background:#1dbf73;color:#fff;padding:12px 20px;border-radius:4px;text-decoration:none">${esc(label)}</a></p>` +
        `<p style="margin:0 0 16px;font-size:12px;color:#666">Or open this link: <a href="${esc(url)}">${esc(url)}</a></p>`,
    ),
  );
  hb.registerHelper('code', (value: unknown) =>
    safe(
      `<p style="margin:16px 0;font-size:28px;letter-spacing:6px;font-family:monospace"><strong>${esc(value)}</strong></p>`,
    ),
  );
  return hb;
}

function textEnvironment(): typeof Handlebars {
  const hb = Handlebars.create();
  const text = (value: unknown) => String(value ?? '');
  hb.registerHelper('p', function (this: unknown, options: Handlebars.HelperOptions) {
    return `${options
      .fn(this)
      .trim()
      .replace(/\s*\n\s*/g, ' ')}\n\n`;
  });
  hb.registerHelper('quote', function (this: unknown, options: Handlebars.HelperOptions) {
    const lines = options.fn(this).trim().split('\n');
    return `${lines.map((line) => `> ${line.trim()}`).join('\n')}\n\n`;
  });
  hb.registerHelper('facts', function (this: unknown, options: Handlebars.HelperOptions) {
    return `${options.fn(this).trim()}\n\n`;
  });
  hb.registerHelper('fact', (label: unknown, value: unknown) => `${text(label)}: ${text(value)}`);
  hb.registerHelper(
    'button',
    (label: unknown, url: unknown) => `${text(label)}:\n${text(url)}\n\n`,
  );
  hb.registerHelper('code', (value: unknown) => `${text(value)}\n\n`);
  return hb;
}

/** Blank-line runs collapsed, each line's indentation dropped, one final newline. */
function tidyText(value: string): string {
  return `${value
    .split('\n')
    .map((line) => line.trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()}\n`;
}

interface Compiled {
  subject: Handlebars.TemplateDelegate;
  html: Handlebars.TemplateDelegate;
  text: Handlebars.TemplateDelegate;
}

/** Every template of templates/, compiled once at start (a broken one stops the start). */
export class Templates {
  private readonly compiled = new Map<string, Compiled>();

  constructor(
    private readonly brand: Brand,
    dir: URL = templatesDir,
  ) {
    const html = htmlEnvironment();
    const text = textEnvironment();
    const htmlLayout = html.compile(readFileSync(new URL('layout.html', dir), 'utf8'), {
      strict: true,
    });
    const textLayout = text.compile(readFileSync(new URL('layout.txt', dir), 'utf8'), {
      noEscape: true,
      strict: true,
    });
    for (const file of readdirSync(dir).filter((name) => name.endsWith('.hbs'))) {
      const name = file.slice(0, -'.hbs'.length);
      const source = readFileSync(new URL(file, dir), 'utf8');
      const match = /^subject:(.*)\n---\n([\s\S]*)$/.exec(source);
      if (!match) throw new Error(`template ${file}: expected "subject: …", then "---"`);
      const [, subjectSource = '', bodySource = ''] = match;
      const subject = text.compile(subjectSource.trim(), { noEscape: true, strict: true });
      const htmlBody = html.compile(bodySource, { strict: true });
      const textBody = text.compile(bodySource, { noEscape: true, strict: true });
      this.compiled.set(name, {
        subject,
        html: (data) => htmlLayout({ ...data, body: new html.SafeString(htmlBody(data)) }),
        text: (data) => tidyText(textLayout({ ...data, body: textBody(data) })),
      });
    }
  }

  get names(): string[] {
    return [...this.compiled.keys()].sort();
  }

  /** Renders `name` with `data` (plus the product name and public URL). */
  render(name: string, data: TemplateData): RenderedMail {
    const template = this.compiled.get(name);
    if (!template) throw new Error(`no mail template "${name}"`);
    const full = { optional: false, ...data, ...this.brand };
    const subject = template.subject(full).replace(/\s+/g, ' ').trim();
    return { subject, html: template.html({ ...full, subject }), text: template.text(full) };
  }
}
