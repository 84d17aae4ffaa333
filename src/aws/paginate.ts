/** Follow `NextToken` to the end: filtered describes may return short or empty pages. */
export async function paginate<P extends { NextToken?: string }, T>(
  fetch: (token: string | undefined) => Promise<P>,
  items: (page: P) => readonly T[] | undefined,
): Promise<T[]> {
  const all: T[] = [];
  let token: string | undefined;
  do {
    const page = await fetch(token);
    all.push(...(items(page) ?? []));
    token = page.NextToken;
  } while (token);
  return all;
}
