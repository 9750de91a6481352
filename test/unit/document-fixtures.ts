// The example of the contract's section "Configuration document" (copied from the product's runtime contract).
export const CONTRACT_EXAMPLE = {
  accounts: { "23463567342345": "Tesouraria", "23463123442346": "" },
  rules: [
    { name: "contas vigiadas" },
    { name: "acima de R$ 50 mil", accounts: "*", minAmount: 5000000, mention: "here" },
    { name: "noite", hours: [20, 6], window: { minutes: 600, sum: 100000 } },
    { name: "rajada", window: { minutes: 10, count: 5 } },
    { name: "chave nova", newReceiver: { days: 30 } },
  ],
};
