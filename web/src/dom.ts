import { ApiError } from "@socialmedia/client";

type Child = Node | string | null | undefined | false;

/** A tiny element builder: text always goes in as text, so user content can never become HTML. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<Record<string, string | boolean | EventListener>> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (typeof value === "function") element.addEventListener(name.replace(/^on/, ""), value);
    else if (value === true) element.setAttribute(name, "");
    else if (typeof value === "string") element.setAttribute(name, value);
  }
  for (const child of children) {
    if (child) element.append(child);
  }
  return element;
}

/**
 * Shows what went wrong: the problem's detail in the form's alert, and on a 422 (or 409) each
 * field's messages under the input with that name. Network failures get a plain sentence.
 */
export function showError(form: HTMLElement, error: unknown): void {
  clearErrors(form);
  const alert = form.querySelector<HTMLElement>("[role=alert]");
  if (!(error instanceof ApiError)) {
    // fetch rejects with a TypeError when the request never got an answer (offline, CORS, server down).
    if (alert) alert.textContent = error instanceof TypeError ? "Could not reach the server. Check your connection and try again." : String(error);
    console.error(error);
    return;
  }
  let unplaced = "";
  for (const [field, messages] of Object.entries(error.fieldErrors)) {
    const slot = form.querySelector<HTMLElement>(`[data-error-for="${field}"]`);
    if (slot) slot.textContent = messages.join("; ");
    else unplaced += ` ${field} ${messages.join("; ")}.`;
  }
  const wait = error.retryAfterSeconds ? ` Try again in ${error.retryAfterSeconds} s.` : "";
  if (alert) alert.textContent = error.message + unplaced + wait;
}

export function clearErrors(form: HTMLElement): void {
  form.querySelectorAll<HTMLElement>("[role=alert], [data-error-for]").forEach((slot) => (slot.textContent = ""));
}

/** A labelled input with a slot for its field errors; `name` is the API's field name. */
export function field(label: string, name: string, input: HTMLInputElement | HTMLTextAreaElement): HTMLElement {
  input.name = name;
  input.id = `${name}-${Math.random().toString(36).slice(2, 8)}`;
  return h("div", { class: "field" }, h("label", { for: input.id }, label), input, h("small", { class: "error", "data-error-for": name }));
}
