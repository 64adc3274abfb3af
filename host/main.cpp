#include <iostream>
int main() { std::cout << "gmat\n"; return 0; }
