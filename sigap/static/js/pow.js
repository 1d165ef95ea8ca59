// SIGAP public form: solve the small proof of work before sending (see sigap/intake/pow.py).
// Without JavaScript the form still works; it only meets a tighter rate limit.
(function () {
  "use strict";
  const form = document.querySelector("form[data-pow-bits]");
  if (!form || !window.crypto || !crypto.subtle || !window.TextEncoder) return;
  const bits = Number(form.dataset.powBits);
  const challenge = form.querySelector("input[name=pow_challenge]");
  const nonceField = form.querySelector("input[name=pow_nonce]");
  const encoder = new TextEncoder();

  function zeroBits(bytes) {
    let count = 0;
    for (const byte of bytes) {
      if (byte === 0) { count += 8; continue; }
      return count + Math.clz32(byte) - 24;
    }
    return count;
  }

  let solving = null;
  async function solve() {
    for (let nonce = 0; ; nonce++) {
      const digest = await crypto.subtle.digest("SHA-256", encoder.encode(challenge.value + ":" + nonce));
      if (zeroBits(new Uint8Array(digest)) >= bits) return String(nonce);
    }
  }
  // Start while the person types; the answer is usually ready before they press "Kirim".
  solving = solve().then((nonce) => { nonceField.value = nonce; return nonce; });

  form.addEventListener("submit", (event) => {
    if (nonceField.value || (event.submitter && event.submitter.name === "find_village")) return;
    event.preventDefault();
    const submitter = event.submitter;
    solving.then(() => {
      if (submitter && submitter.name) {
        const keep = document.createElement("input");
        keep.type = "hidden"; keep.name = submitter.name; keep.value = submitter.value;
        form.appendChild(keep);
      }
      form.submit();
    });
  });
})();
