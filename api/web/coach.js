"use strict";
// The coach page: see README (web pages).
SM.loginPanel(document.getElementById("account"), ["coach", "admin"], () => {});
