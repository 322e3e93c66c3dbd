import { call, type Token } from "@socialmedia/client";
import { clearErrors, field, h, showError } from "./dom";
import { api, signIn } from "./session";

/** Sign-up and log-in side by side; either one signs in and calls onSignedIn. */
export function renderAuth(root: HTMLElement, onSignedIn: () => void): void {
  const email = () => h("input", { type: "email", autocomplete: "email", required: true });
  const signUp = { email: email(), username: h("input", { autocomplete: "username", required: true }), password: h("input", { type: "password", autocomplete: "new-password", required: true }) };
  const logIn = { email: email(), password: h("input", { type: "password", autocomplete: "current-password", required: true }) };
  root.replaceChildren(
    // 201 with a token: the new account is signed in at once. 409 names the taken field, 422 the invalid ones.
    authForm("Sign up", [["Email", "email", signUp.email], ["Username", "username", signUp.username], ["Password", "password", signUp.password]], onSignedIn, () =>
      api.POST("/api/v1/auth/register", { body: { email: signUp.email.value, username: signUp.username.value, password: signUp.password.value } }),
    ),
    // 401 says only "email or password is incorrect" (on purpose); 429 comes with Retry-After.
    authForm("Log in", [["Email", "email", logIn.email], ["Password", "password", logIn.password]], onSignedIn, () =>
      api.POST("/api/v1/auth/login", { body: { email: logIn.email.value, password: logIn.password.value } }),
    ),
  );
}

/** A form whose inputs are named after the API's fields, so field errors land under them. */
function authForm(
  title: string,
  inputs: [label: string, apiField: string, input: HTMLInputElement][],
  onSignedIn: () => void,
  send: () => Promise<{ data?: Token; error?: unknown; response: Response }>,
): HTMLFormElement {
  const form = h(
    "form",
    { class: "card", "aria-label": title },
    h("h2", {}, title),
    ...inputs.map(([label, apiField, input]) => field(label, apiField, input)),
    h("p", { role: "alert", class: "error" }),
    h("button", { type: "submit" }, title),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    try {
      signIn(await call(send()));
      onSignedIn();
    } catch (error) {
      showError(form, error);
    }
  });
  return form;
}
