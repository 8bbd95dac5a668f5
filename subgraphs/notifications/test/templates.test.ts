import { describe, expect, it } from 'vitest';
import { generateSupergraphKeys } from '@jobber/test-kit';
import { parseNotificationsConfig } from '../src/config.js';
import { notificationKinds, templateName } from '../src/kinds.js';
import { sampleMails } from '../src/samples.js';
import { Templates } from '../src/templates.js';

const publicUrl = 'https://jobber.test';
const templates = new Templates({ productName: 'Jobber', publicUrl });

describe('mail templates', () => {
  it('has one template per kind, and a sample for every template', () => {
    expect(templates.names).toEqual(notificationKinds.map(templateName).sort());
    const sampled = new Set(sampleMails(publicUrl).map((mail) => mail.template));
    expect([...sampled].sort()).toEqual(templates.names);
  });

  it('renders every sample with the name, the product and the link in both parts', () => {
    for (const { template, data } of sampleMails(publicUrl)) {
      const mail = templates.render(template, data);
      expect(mail.subject.length, template).toBeGreaterThan(5);
      for (const part of [mail.html, mail.text]) {
        expect(part, template).toContain(String(data['name']));
        expect(part, template).toContain('Jobber');
        if (template !== 'sign-in-code') expect(part, template).toContain(String(data['link']));
      }
      expect(mail.text, template).not.toMatch(/<[a-z]/);
      expect(mail.text, template).not.toMatch(/\n{3,}/);
      expect(mail.html, template).toMatch(/^<!doctype html>/);
    }
  });

  it('escapes values in HTML and leaves them as they are in text', () => {
    const mail = templates.render('message-received', {
      name: 'Ada <script>',
      counterpart: 'Bob & "Co"',
      excerpt: '<b>hi</b>',
      link: 'https://jobber.test/messages/1?a=1&b=2',
      optional: true,
    });
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('Ada &lt;script&gt;');
    expect(mail.html).toContain('href="https://jobber.test/messages/1?a=1&amp;b=2"');
    expect(mail.text).toContain('Hi Ada <script>,');
    expect(mail.text).toContain('https://jobber.test/messages/1?a=1&b=2');
    expect(mail.subject).toBe('New message from Bob & "Co"');
    expect(mail.text).toContain('/settings/notifications');
  });

  it('fails loudly on a value a template needs but was not given', () => {
    expect(() => templates.render('order-placed', { name: 'Ada' })).toThrow();
    expect(() => templates.render('no-such-template', {})).toThrow(/no mail template/);
  });
});

describe('notifications config', () => {
  const base = {
    DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/x',
    GATEWAY_INTERNAL_PUBLIC_KEY: generateSupergraphKeys().internal.publicKeyPem,
  };

  it('reads the mail variables (defaults without them)', () => {
    const config = parseNotificationsConfig({ ...base, NODE_ENV: 'development' });
    expect(config.port).toBe(4007);
    expect(config.mail).toMatchObject({
      publicUrl: 'http://localhost:4000',
      productName: 'Jobber',
      smtpUrl: null,
      devMailboxReadable: true,
    });
    const custom = parseNotificationsConfig({
      ...base,
      NODE_ENV: 'production',
      PUBLIC_URL: 'https://jobber.example/',
      SMTP_URL: 'smtp://user:pass@mail.example:587',
    });
    expect(custom.mail).toMatchObject({
      publicUrl: 'https://jobber.example',
      devMailboxReadable: false,
    });
  });

  it('refuses production without SMTP (unless the dev mailbox is asked for) or a public URL', () => {
    expect(() => parseNotificationsConfig({ ...base, NODE_ENV: 'production' })).toThrow(
      /SMTP_URL: required in production[\s\S]*PUBLIC_URL: required in production/,
    );
    const staging = { ...base, NODE_ENV: 'production', PUBLIC_URL: 'https://staging.example' };
    expect(() => parseNotificationsConfig(staging)).toThrow(/SMTP_URL/);
    expect(
      parseNotificationsConfig({ ...staging, NOTIFICATIONS_MAIL: 'dev-mailbox' }).mail,
    ).toMatchObject({ smtpUrl: null, devMailboxReadable: false });
  });

  it('refuses a bad URL by name', () => {
    const dev = { ...base, NODE_ENV: 'development' };
    expect(() => parseNotificationsConfig({ ...dev, SMTP_URL: 'http://mail' })).toThrow(/SMTP_URL/);
    expect(() => parseNotificationsConfig({ ...dev, PUBLIC_URL: 'nope' })).toThrow(/PUBLIC_URL/);
    // Shorter than the inbox's 7 days would let a late redelivery mail again.
    expect(() => parseNotificationsConfig({ ...dev, MAIL_RETENTION_DAYS: '3' })).toThrow(
      /MAIL_RETENTION_DAYS/,
    );
  });
});
