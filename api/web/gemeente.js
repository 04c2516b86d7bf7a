"use strict";
// The gemeente page: see README (web pages).
SM.loginPanel(document.getElementById("account"), ["analyst", "admin"], () => {});
