#!/usr/bin/env -S node --conditions=@jobber/source --import tsx
// Runs the TypeScript sources directly (tsx, with the workspaces' source condition): no build step.
await import('../src/main.ts');
