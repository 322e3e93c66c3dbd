import { call, imageContentTypes, uploadImage, type Comment, type Post } from "@socialmedia/client";
import { clearErrors, field, h, showError } from "./dom";
import { api, me } from "./session";

/** Posts per page of the timeline: "Load more" fetches the next page by its cursor. */
const pageSize = 10;

/** The timeline: newest first, one page at a time, following next_cursor until it is null. */
export function renderTimeline(root: HTMLElement): { prepend(post: Post): void } {
  const list = h("div", { class: "posts" });
  const status = h("p", { role: "alert", class: "error" });
  const more = h("button", { type: "button", class: "more" }, "Load more");
  let cursor: string | null = null;

  async function loadPage(): Promise<void> {
    more.disabled = true;
    try {
      // The cursor is opaque: pass back exactly what the last page gave. limit is 1..100.
      const page = await call(api.GET("/api/v1/posts", { params: { query: { limit: pageSize, ...(cursor ? { cursor } : {}) } } }));
      list.append(...page.data.map(postCard));
      cursor = page.next_cursor;
      more.hidden = cursor === null;
      if (list.childElementCount === 0) list.append(h("p", { class: "empty" }, "No posts yet."));
    } catch (error) {
      showError(root, error);
    } finally {
      more.disabled = false;
    }
  }

  more.addEventListener("click", () => void loadPage());
  root.replaceChildren(h("h2", {}, "Timeline"), status, list, more);
  void loadPage();
  return {
    prepend(post) {
      list.querySelector(".empty")?.remove();
      list.prepend(postCard(post));
    },
  };
}

/** The form for a new post, with an optional image: upload-url, PUT to S3, then the post. */
export function renderComposer(root: HTMLElement, onPosted: (post: Post) => void): void {
  const content = h("textarea", { rows: "3", placeholder: "What's happening?" });
  const image = h("input", { type: "file", accept: imageContentTypes.join(",") });
  const submit = h("button", { type: "submit" }, "Post");
  const form = h(
    "form",
    { class: "card composer", "aria-label": "New post" },
    field("What's happening?", "content", content),
    field("Image (PNG, JPEG or GIF, up to 10 MB)", "image_key", image),
    h("p", { role: "alert", class: "error" }),
    submit,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    submit.disabled = true;
    try {
      const file = image.files?.[0];
      const imageKey = file ? await uploadImage(api, file) : undefined;
      onPosted(await call(api.POST("/api/v1/posts", { body: { content: content.value, ...(imageKey ? { image_key: imageKey } : {}) } })));
      form.reset();
    } catch (error) {
      showError(form, error);
    } finally {
      submit.disabled = false;
    }
  });
  root.replaceChildren(form);
}

function postCard(post: Post): HTMLElement {
  const mine = me()?.id === post.author.id;
  const likeCount = h("span", { class: "count" });
  const likeButton = h("button", { type: "button" });
  const commentsButton = h("button", { type: "button" });
  const comments = h("section", { class: "comments", hidden: true, "aria-label": "Comments" });
  const card = h(
    "article",
    { class: "card post", "aria-label": `Post by @${post.author.username}` },
    h("header", {}, h("strong", {}, `@${post.author.username}`), " · ", h("time", { datetime: post.created_at }, new Date(post.created_at).toLocaleString())),
    h("p", { class: "content" }, post.content),
    post.image_url && h("img", { src: post.image_url, alt: `Image posted by @${post.author.username}` }),
    h("footer", {}, likeButton, likeCount, commentsButton, mine && h("button", { type: "button", class: "danger", onclick: () => void remove() }, "Delete")),
    h("p", { role: "alert", class: "error" }),
    comments,
  );

  function showLikes(liked: boolean, count: number): void {
    likeButton.textContent = liked ? "Unlike" : "Like";
    likeButton.setAttribute("aria-pressed", String(liked));
    likeCount.textContent = `${count} ${count === 1 ? "like" : "likes"}`;
  }
  function showCommentCount(count: number): void {
    commentsButton.textContent = `Comments (${count})`;
  }
  showLikes(post.liked_by_me, post.likes_count);
  likeButton.disabled = !me();
  if (!me()) likeButton.title = "Log in to like posts";
  showCommentCount(post.comments_count);

  const params = { params: { path: { post_id: post.id } } };
  likeButton.addEventListener("click", async () => {
    try {
      // Both answer the post's exact like count after the change; liking twice changes nothing.
      const state = await call(likeButton.getAttribute("aria-pressed") === "true" ? api.DELETE("/api/v1/posts/{post_id}/likes", params) : api.POST("/api/v1/posts/{post_id}/likes", params));
      showLikes(state.liked, state.likes_count);
    } catch (error) {
      showError(card, error);
    }
  });

  let commentCursor: string | null | undefined;
  const commentList = h("ul", {});
  const moreComments = h("button", { type: "button", class: "more", hidden: true }, "Load more comments");
  async function loadComments(): Promise<void> {
    try {
      const page = await call(api.GET("/api/v1/posts/{post_id}/comments", { params: { path: { post_id: post.id }, query: commentCursor ? { cursor: commentCursor } : {} } }));
      commentList.append(...page.data.map(commentItem));
      commentCursor = page.next_cursor;
      moreComments.hidden = commentCursor === null;
    } catch (error) {
      showError(card, error);
    }
  }
  moreComments.addEventListener("click", () => void loadComments());
  commentsButton.addEventListener("click", () => {
    comments.hidden = !comments.hidden;
    if (!comments.hidden && commentCursor === undefined) void loadComments();
  });
  comments.append(commentList, moreComments);
  if (me()) comments.append(commentForm(post, (comment) => {
    commentList.append(commentItem(comment));
    showCommentCount(++post.comments_count);
  }));

  async function remove(): Promise<void> {
    try {
      // 204: the post, its likes, comments and image are gone. 403 if it is not yours.
      await call(api.DELETE("/api/v1/posts/{id}", { params: { path: { id: post.id } } }));
      card.remove();
    } catch (error) {
      showError(card, error);
    }
  }
  return card;
}

function commentItem(comment: Comment): HTMLElement {
  return h("li", {}, h("strong", {}, `@${comment.author.username}`), " ", comment.content);
}

function commentForm(post: Post, onCommented: (comment: Comment) => void): HTMLFormElement {
  const content = h("input", { placeholder: "Write a comment" });
  const form = h("form", { class: "comment-form", "aria-label": "New comment" }, field("Comment", "content", content), h("p", { role: "alert", class: "error" }), h("button", { type: "submit" }, "Comment"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    try {
      onCommented(await call(api.POST("/api/v1/posts/{post_id}/comments", { params: { path: { post_id: post.id } }, body: { content: content.value } })));
      form.reset();
    } catch (error) {
      showError(form, error);
    }
  });
  return form;
}
