import { call } from "@socialmedia/client";
import { clearErrors, field, h, showError } from "./dom";
import { api, signIn } from "./session";

/** Sign-up and log-in side by side; either one signs in and calls onSignedIn. */
export function renderAuth(root: HTMLElement, onSignedIn: () => void): void {
  root.replaceChildren(signUpForm(onSignedIn), logInForm(onSignedIn));
}

function signUpForm(onSignedIn: () => void): HTMLFormElement {
  const email = h("input", { type: "email", autocomplete: "email", required: true });
  const username = h("input", { autocomplete: "username", required: true });
  const password = h("input", { type: "password", autocomplete: "new-password", required: true });
  const form = h(
    "form",
    { class: "card", "aria-label": "Sign up" },
    h("h2", {}, "Sign up"),
    field("Email", "email", email),
    field("Username", "username", username),
    field("Password", "password", password),
    h("p", { role: "alert", class: "error" }),
    h("button", { type: "submit" }, "Sign up"),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    try {
      // 201 with a token: the new account is signed in at once. 409 names the taken field, 422 the invalid ones.
      signIn(await call(api.POST("/api/v1/auth/register", { body: { email: email.value, username: username.value, password: password.value } })));
      onSignedIn();
    } catch (error) {
      showError(form, error);
    }
  });
  return form;
}

function logInForm(onSignedIn: () => void): HTMLFormElement {
  const email = h("input", { type: "email", autocomplete: "email", required: true });
  const password = h("input", { type: "password", autocomplete: "current-password", required: true });
  const form = h(
    "form",
    { class: "card", "aria-label": "Log in" },
    h("h2", {}, "Log in"),
    field("Email", "email", email),
    field("Password", "password", password),
    h("p", { role: "alert", class: "error" }),
    h("button", { type: "submit" }, "Log in"),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    try {
      // 401 says only "email or password is incorrect" (on purpose); 429 comes with Retry-After.
      signIn(await call(api.POST("/api/v1/auth/login", { body: { email: email.value, password: password.value } })));
      onSignedIn();
    } catch (error) {
      showError(form, error);
    }
  });
  return form;
}
