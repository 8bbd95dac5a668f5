#!/usr/bin/env -S node --conditions=@jobber/source --import tsx
// Runs the TypeScript sources directly (tsx and the @jobber/source condition), without a build.
import '../src/main.ts';
