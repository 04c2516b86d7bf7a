"use strict";
// The organisatie page: see README (web pages).
SM.loginPanel(document.getElementById("account"), ["editor", "admin"], () => {});
