// A container's health check: exits 0 when the URL (a service's admin /readyz) answers 2xx
// within 3 s, 1 otherwise. The image has Node but no curl.
const url = process.argv[2];
try {
  const response = await fetch(url, { signal: AbortSignal.timeout(3_000) });
  process.exit(response.ok ? 0 : 1);
} catch {
  process.exit(1);
}
