import { call, createApiClient, type Me, type Token } from "@socialmedia/client";

/** Where the API is: set by the AppHost (VITE_API_URL), or the API's fixed local port. */
export const apiUrl: string = import.meta.env.VITE_API_URL ?? "http://localhost:5080";

const storageKey = "socialmedia.session";

interface Stored {
  token: string;
  user: Me;
}

let current: Stored | null = JSON.parse(localStorage.getItem(storageKey) ?? "null") as Stored | null;

/** The one client of the app; it sends the signed-in user's token with every request. */
export const api = createApiClient({ baseUrl: apiUrl, token: () => current?.token });

export function me(): Me | null {
  return current?.user ?? null;
}

export function signIn(token: Token): void {
  current = { token: token.token, user: token.user };
  localStorage.setItem(storageKey, JSON.stringify(current));
}

export function forget(): void {
  current = null;
  localStorage.removeItem(storageKey);
}

/** Checks a stored token with GET /auth/me: an expired or revoked one is dropped (401). */
export async function restore(): Promise<void> {
  if (!current) return;
  try {
    current = { ...current, user: await call(api.GET("/api/v1/auth/me")) };
  } catch {
    forget();
  }
}

/** DELETE /auth/logout revokes the token everywhere; it is forgotten here either way. */
export async function logOut(): Promise<void> {
  try {
    await call(api.DELETE("/api/v1/auth/logout"));
  } finally {
    forget();
  }
}
