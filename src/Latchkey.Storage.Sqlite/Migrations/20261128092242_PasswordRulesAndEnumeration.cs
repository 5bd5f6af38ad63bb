using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Latchkey.Storage.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class PasswordRulesAndEnumeration : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "EnumerationSafeRegistration",
                table: "sites",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<bool>(
                name: "PasswordCheckBreached",
                table: "sites",
                type: "INTEGER",
                nullable: false,
                defaultValue: true); // existing sites check the breached list too, once an operator configures one

            migrationBuilder.AddColumn<int>(
                name: "PasswordMinStrength",
                table: "sites",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "EnumerationSafeRegistration",
                table: "sites");

            migrationBuilder.DropColumn(
                name: "PasswordCheckBreached",
                table: "sites");

            migrationBuilder.DropColumn(
                name: "PasswordMinStrength",
                table: "sites");
        }
    }
}
