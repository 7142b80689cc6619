/** How references and names are compared: full-width forms folded (NFKC), spaces dropped, case ignored. */
export function normaliseText(text: string): string {
  return text.normalize('NFKC').replace(/\s+/g, '').toLowerCase();
}
