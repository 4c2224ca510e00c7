/** Asks for a bearer token when the gateway needs one; it is kept for this tab only. */
import { useState, type FormEvent } from "react";
import { setToken } from "../auth/session";

export function SignIn({ message }: { message: string }) {
  const [value, setValue] = useState("");
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (value.trim() !== "") setToken(value);
  };
  return (
    <section className="sign-in" aria-labelledby="sign-in-title">
      <h1 id="sign-in-title">Sign in to modelgate</h1>
      <p>{message}</p>
      <form onSubmit={submit}>
        <label htmlFor="token">Bearer token</label>
        <input id="token" type="password" autoComplete="off" spellCheck={false} value={value} onChange={(e) => setValue(e.target.value)} placeholder="paste the token your admin gave you" />
        <button type="submit" className="button button-primary" disabled={value.trim() === ""}>
          Sign in
        </button>
      </form>
      <p className="muted">
        The token stays in this browser tab (sessionStorage) and goes only to this gateway. Tokens come from <code>modelgate token new</code> or your identity
        provider (JWT).
      </p>
    </section>
  );
}
