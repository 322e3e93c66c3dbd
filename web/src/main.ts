import { renderAuth } from "./auth";
import { h } from "./dom";
import { logOut, me, restore } from "./session";
import { renderComposer, renderTimeline } from "./timeline";

const account = document.querySelector<HTMLElement>("#account")!;
const auth = document.querySelector<HTMLElement>("#auth")!;
const composer = document.querySelector<HTMLElement>("#composer")!;
const timeline = document.querySelector<HTMLElement>("#timeline")!;

/** Draws the page for whoever is signed in (or nobody): the timeline is public, writing is not. */
function render(): void {
  const user = me();
  const posts = renderTimeline(timeline);
  if (user) {
    account.replaceChildren(h("span", {}, `@${user.username}`), h("button", { type: "button", onclick: () => void logOut().finally(render) }, "Log out"));
    auth.replaceChildren();
    renderComposer(composer, (post) => posts.prepend(post));
  } else {
    account.replaceChildren();
    composer.replaceChildren();
    renderAuth(auth, render);
  }
}

await restore();
render();
